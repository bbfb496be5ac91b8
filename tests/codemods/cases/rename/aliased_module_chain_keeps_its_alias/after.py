import svc.di as d

X = d.AppContainer.config

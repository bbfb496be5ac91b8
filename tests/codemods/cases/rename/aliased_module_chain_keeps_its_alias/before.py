import svc.di as d

X = d.Services.config

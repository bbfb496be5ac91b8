from sqlalchemy import create_engine


def engines(settings):
    trailing_comma = create_engine(
        settings.DATABASE_URL,
        pool_size=settings.DB_POOL_SIZE,
        pool_pre_ping=True,
        echo=settings.SQLALCHEMY_ECHO,
    )
    no_trailing_comma = create_engine(settings.DATABASE_URL,
                                      pool_size=settings.DB_POOL_SIZE,
                                      pool_pre_ping=True,
                                      echo=settings.SQLALCHEMY_ECHO)
    one_argument = create_engine(
        settings.DATABASE_URL,
        pool_pre_ping=True,
        echo=settings.SQLALCHEMY_ECHO
    )
    no_arguments = create_engine(pool_pre_ping=True, echo=settings.SQLALCHEMY_ECHO)
    return trailing_comma, no_trailing_comma, one_argument, no_arguments

from sqlalchemy import create_engine


def engines(settings):
    trailing_comma = create_engine(
        settings.DATABASE_URL,
        pool_size=settings.DB_POOL_SIZE,
    )
    no_trailing_comma = create_engine(settings.DATABASE_URL,
                                      pool_size=settings.DB_POOL_SIZE)
    one_argument = create_engine(
        settings.DATABASE_URL
    )
    no_arguments = create_engine()
    return trailing_comma, no_trailing_comma, one_argument, no_arguments

ISO = '%Y'

from icat import create_app

app = create_app()

from ninja import NinjaAPI

api = NinjaAPI(title="Comptoir API", version="1")

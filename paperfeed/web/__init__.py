"""The web app (extra ``paperfeed[web]``): ``paperfeed.web.app.create_app`` and ``serve``."""

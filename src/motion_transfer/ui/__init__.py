"""The local web app (``motion-transfer ui``). ``session`` and ``views`` do the work without a browser; only
``app`` imports Gradio (the optional ``[ui]`` extra)."""

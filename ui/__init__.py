"""The UI edge: Streamlit-only helpers (caching, language, session, widgets). kpi/ never imports this."""

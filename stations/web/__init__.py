"""The Streamlit layer: every module that imports streamlit lives here, and only here."""

"""Floor reference: a Streamlit script that does nothing but read the query parameters.

Every figure of the real page is divided by this one, so the ratio shows what the app adds
on top of Streamlit's own cost of a script run (session, deltas, websocket round trip).
"""

import streamlit as st

params = st.query_params.to_dict()
st.write(f"floor ready ({len(params)} parameters)")

"""The Streamlit layer's newer modules (they import streamlit; the pure core does not)."""

"""The 110 Overseas station tracker: data model, validation, filters and map building.

Everything here is plain Python that can be tested without Streamlit; the pages only lay out
what these functions return.
"""

"""The 110 Overseas station tracker: data model, validation, filters and map building.

The core is plain Python that can be tested without Streamlit; the Streamlit layer is
``ui.py``, ``views.py``, ``responses_page.py``, ``sources_page.py`` and ``web/`` (the view's
state, the sidebar, the headline), and the pages only lay out what these functions return.
"""

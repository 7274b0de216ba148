"""Exports: a download button for every export the library offers."""

from __future__ import annotations

import streamlit as st
from aimsgraph.app import state, views

workspace = state.workspace()
st.title("Exports")
exports = state.optional("aimsgraph.exports", "EXPORTS")
if exports is None:
    views.not_available("Exports")
    st.stop()

// Leaflet lookups inside the st_folium iframe: the map (whichever global is an L.Map; st_folium
// names it map_div), the station layer (the one MarkerClusterGroup on it), a station's marker by
// the id its tooltip ends with, and whether an animation is running. Prefixed to each helper.
  const map = (() => {
    for (const key of Object.keys(window)) {
      try { if (window[key] instanceof L.Map) { return window[key]; } } catch (e) { /* getter */ }
    }
    return null;
  })();
  const group = map && Object.values(map._layers).find(l => typeof l.getVisibleParent === "function");
  const markerOf = id => group && group.getLayers().find(
    m => m.getTooltip() && String(m.getTooltip().getContent()).endsWith("[" + id + "]"));
  const animating = () => !map || map._animatingZoom || !!document.querySelector(".leaflet-cluster-anim")
    || !!(group && group._inZoomAnimation);

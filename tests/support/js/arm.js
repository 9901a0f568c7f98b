  window.__e2eMoved = false;
  const done = () => { window.__e2eMoved = true; };
  map.once("zoomend", done); group.once("spiderfied", done);

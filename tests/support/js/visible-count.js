  const box = document.querySelector(".leaflet-container").getBoundingClientRect();
  const shown = el => {
    const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.display !== "none" && s.visibility !== "hidden"
      && parseFloat(s.opacity) > 0.5 && r.right > box.left && r.left < box.right
      && r.bottom > box.top && r.top < box.bottom;
  };
  let clustered = 0, pins = 0, clusters = 0, badges = 0;
  document.querySelectorAll(".station-cluster").forEach(el => {
    if (shown(el)) { clusters += 1; clustered += parseInt(el.textContent, 10); }
  });
  // Stations whose location is not published, several in one country: a badge reading "+N".
  document.querySelectorAll(".station-badge").forEach(el => {
    if (shown(el)) { badges += 1; clustered += parseInt(el.textContent.replace("+", ""), 10); }
  });
  document.querySelectorAll(".station-pin").forEach(el => { if (shown(el)) { pins += 1; } });
  return {clusters, badges, clustered, pins, total: clustered + pins, animating: animating()};

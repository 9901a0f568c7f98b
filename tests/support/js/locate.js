  if (!group) { return {state: "no-map"}; }
  const marker = markerOf(id);
  if (!marker) { return {state: "unknown"}; }
  if (animating()) { return {state: "animating"}; }
  const parent = group.getVisibleParent(marker);
  if (!parent || !parent._icon) { return {state: "off-screen"}; }
  document.querySelectorAll("[data-e2e-target]").forEach(el => el.removeAttribute("data-e2e-target"));
  const icon = parent._icon;
  icon.setAttribute("data-e2e-target", "1");
  const r = icon.getBoundingClientRect();
  // Near the map's edges the zoom buttons, the legend and the attribution sit over markers:
  // a reader drags such a marker inwards before clicking it (see reveal_and_click).
  const box = map.getContainer().getBoundingClientRect();
  if (r.left < box.left + 60 || r.right > box.right - 60 || r.top < box.top + 90 || r.bottom > box.bottom - 130) {
    return {state: "edge"};
  }
  let point = null;
  for (const fy of [0.5, 0.3, 0.7, 0.15, 0.85]) {
    for (const fx of [0.5, 0.3, 0.7, 0.15, 0.85]) {
      const hit = document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height);
      if (!point && hit && (hit === icon || icon.contains(hit))) { point = {x: fx * r.width, y: fy * r.height}; }
    }
  }
  return {state: parent === marker ? "pin" : "cluster", point, zoom: map.getZoom(),
          maxZoom: map.getMaxZoom(), count: parent === marker ? 1 : parent.getChildCount()};

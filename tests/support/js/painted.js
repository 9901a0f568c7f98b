// True once what a screenshot of the map would show has all arrived and stopped moving: fonts
// loaded, images (icons, tiles) in, every tile faded in, no CSS transition or animation running
// (the clusters' fade-in after a move), every marker at the opacity it is set to.
  if (document.fonts.status !== "loaded") { return false; }
  if ([...document.images].some(img => !img.complete)) { return false; }
  const tiles = [...document.querySelectorAll(".leaflet-tile")];
  if (tiles.some(t => !t.classList.contains("leaflet-tile-loaded") || getComputedStyle(t).opacity !== "1")) {
    return false;
  }
  if (document.getAnimations().some(a => a.playState === "running")) { return false; }
  return [...document.querySelectorAll(".leaflet-marker-icon")].every(
    m => Number(getComputedStyle(m).opacity) === Number(m.style.opacity || 1));

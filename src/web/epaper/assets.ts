/** The e-paper's own stylesheet and viewer script, served from this site (the CSP allows scripts only on these pages). */

export const EPAPER_CSS = `.epaper-editions,.epaper-thumbs{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:1rem}
.epaper-editions img,.epaper-thumbs img{display:block;width:100%;height:auto;border:1px solid #ccc}
.epaper-calendar table{border-collapse:collapse}.epaper-calendar td,.epaper-calendar th{padding:.3rem .5rem;text-align:center}
.epaper-calendar .has-edition{font-weight:bold}
.epaper-pager{display:flex;justify-content:space-between;gap:1rem;margin:.5rem 0}
.epaper-stage{overflow:auto;max-width:100%;max-height:85vh;border:1px solid #ccc;background:#f4f4f4;touch-action:pan-x pan-y pinch-zoom;cursor:grab}
.epaper-stage:focus{outline:3px solid #1a5fb4}
.epaper-stage svg{display:block;max-width:100%;height:auto}
.epaper-stage.zoomed svg{max-width:none}
.epaper-stage.clipping{cursor:crosshair}
.epaper-region{fill:transparent;stroke:transparent;stroke-width:12}
.epaper-region:hover,a:focus .epaper-region{fill:rgba(26,95,180,.12);stroke:#1a5fb4}
.epaper-selection{fill:rgba(230,140,0,.18);stroke:#c66a00;stroke-width:14}
.epaper-story{border-top:1px solid #ddd;padding-top:.5rem}
.epaper-clip img{max-width:100%;height:auto;border:1px solid #ccc}
`;

/**
 * Zoom and pan, keyboard and touch navigation, and drawing a clipping on a page. Without it the page still works:
 * links turn pages, the full-size image opens by a link, and every story has its own Save button.
 */
export const EPAPER_SCRIPT = `(() => {
  'use strict';
  const stage = document.getElementById('epaper-stage');
  const tools = document.getElementById('epaper-tools');
  if (!stage || !tools) return;
  const svg = stage.querySelector('svg');
  const image = svg.querySelector('image');
  const status = document.getElementById('epaper-status');
  const form = document.getElementById('epaper-clip-form');
  const baseWidth = Number(svg.getAttribute('width'));
  const baseHeight = Number(svg.getAttribute('height'));
  const view = svg.viewBox.baseVal;
  let zoom = 1;
  let clipping = false;
  tools.hidden = false;
  // Zoomed in, the tiles of the zoom image that are on screen are laid over the page image as they come into view;
  // a page without tiles (or a tile that fails to load) falls back to the whole zoom image.
  let tiles = null;
  try {
    tiles = stage.dataset.tiles ? JSON.parse(stage.dataset.tiles) : null;
  } catch {
    tiles = null;
  }
  let layer = null;
  const loaded = new Set();
  const wholeZoom = () => {
    if (image.getAttribute('href') !== stage.dataset.zoomSrc) image.setAttribute('href', stage.dataset.zoomSrc);
  };
  const showTiles = () => {
    if (zoom <= 1) return;
    if (!tiles) return wholeZoom();
    if (!layer) {
      layer = document.createElementNS('http://www.w3.org/2000/svg', 'g');
      layer.setAttribute('class', 'epaper-tiles');
      image.after(layer);
    }
    const across = tiles.width / (baseWidth * zoom);
    const down = tiles.height / (baseHeight * zoom);
    const first = (n) => Math.max(0, Math.floor(n / tiles.size));
    const rows = tiles.urls.length;
    const columns = rows ? tiles.urls[0].length : 0;
    const lastColumn = Math.min(columns - 1, Math.floor(((stage.scrollLeft + stage.clientWidth) * across) / tiles.size));
    const lastRow = Math.min(rows - 1, Math.floor(((stage.scrollTop + stage.clientHeight) * down) / tiles.size));
    const unitX = view.width / tiles.width;
    const unitY = view.height / tiles.height;
    for (let row = first(stage.scrollTop * down); row <= lastRow; row++) {
      for (let column = first(stage.scrollLeft * across); column <= lastColumn; column++) {
        const id = column + '-' + row;
        if (loaded.has(id)) continue;
        loaded.add(id);
        const tile = document.createElementNS('http://www.w3.org/2000/svg', 'image');
        const left = column * tiles.size;
        const top = row * tiles.size;
        tile.setAttribute('x', String(left * unitX));
        tile.setAttribute('y', String(top * unitY));
        tile.setAttribute('width', String(Math.min(tiles.size, tiles.width - left) * unitX));
        tile.setAttribute('height', String(Math.min(tiles.size, tiles.height - top) * unitY));
        tile.setAttribute('preserveAspectRatio', 'none');
        tile.addEventListener('error', wholeZoom, { once: true });
        tile.setAttribute('href', tiles.urls[row][column]);
        layer.appendChild(tile);
      }
    }
  };
  let pending = false;
  stage.addEventListener('scroll', () => {
    if (pending || zoom <= 1) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      showTiles();
    });
  }, { passive: true });
  const setZoom = (next) => {
    zoom = Math.min(4, Math.max(1, next));
    svg.setAttribute('width', String(Math.round(baseWidth * zoom)));
    svg.setAttribute('height', String(Math.round(baseHeight * zoom)));
    stage.classList.toggle('zoomed', zoom > 1);
    showTiles();
    status.textContent = zoom > 1 ? 'Zoom ' + Math.round(zoom * 100) + '%: drag or scroll to move around' : '';
  };
  tools.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (!button) return;
    if (button.dataset.zoom) setZoom(zoom * (button.dataset.zoom === 'in' ? 1.5 : 1 / 1.5));
    if (button.hasAttribute('data-clip')) {
      clipping = !clipping;
      stage.classList.toggle('clipping', clipping);
      status.textContent = clipping ? 'Drag over the page to mark the area to clip' : '';
    }
  });
  const go = (rel) => {
    const link = document.querySelector('a[rel="' + rel + '"]');
    if (link) window.location.assign(link.href);
  };
  document.addEventListener('keydown', (event) => {
    if (event.target.closest && event.target.closest('input, textarea, select')) return;
    if (event.key === 'ArrowRight' && zoom === 1) go('next');
    else if (event.key === 'ArrowLeft' && zoom === 1) go('prev');
    else if (event.key === '+' || event.key === '=') setZoom(zoom * 1.5);
    else if (event.key === '-') setZoom(zoom / 1.5);
    else return;
    event.preventDefault();
  });
  // A point of the page in the SVG's units (ten-thousandths across, the page's height in the same units down).
  const point = (event) => {
    const box = svg.getBoundingClientRect();
    return { x: ((event.clientX - box.left) / box.width) * view.width, y: ((event.clientY - box.top) / box.height) * view.height };
  };
  let drag = null;
  let selection = null;
  stage.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, left: stage.scrollLeft, top: stage.scrollTop, start: point(event), pointer: event.pointerType };
    if (clipping) {
      event.preventDefault();
      if (!selection) {
        selection = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
        selection.setAttribute('class', 'epaper-selection');
        svg.appendChild(selection);
      }
    }
  });
  stage.addEventListener('pointermove', (event) => {
    if (!drag) return;
    if (clipping) {
      const here = point(event);
      selection.setAttribute('x', String(Math.min(here.x, drag.start.x)));
      selection.setAttribute('y', String(Math.min(here.y, drag.start.y)));
      selection.setAttribute('width', String(Math.abs(here.x - drag.start.x)));
      selection.setAttribute('height', String(Math.abs(here.y - drag.start.y)));
    } else if (zoom > 1 && drag.pointer === 'mouse') {
      stage.scrollLeft = drag.left - (event.clientX - drag.x);
      stage.scrollTop = drag.top - (event.clientY - drag.y);
    }
  });
  stage.addEventListener('pointerup', (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (clipping && selection) {
      const across = (n) => Math.max(0, Math.min(10000, Math.round(n)));
      const down = (n) => across((n / view.height) * 10000);
      const x = across(Number(selection.getAttribute('x')));
      const y = down(Number(selection.getAttribute('y')));
      const w = Math.min(10000 - x, across(Number(selection.getAttribute('width'))));
      const h = Math.min(10000 - y, down(Number(selection.getAttribute('height'))));
      for (const [name, value] of Object.entries({ x, y, w, h })) form.elements[name].value = String(value);
      form.hidden = false;
      form.elements.headline.focus();
      status.textContent = 'Name the clipping and save it';
    } else if (drag.pointer !== 'mouse' && zoom === 1 && Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) {
      go(dx < 0 ? 'next' : 'prev');
    }
    drag = null;
  });
  stage.addEventListener('dblclick', () => setZoom(zoom > 1 ? 1 : 2));
})();
`;

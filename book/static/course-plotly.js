// Draws the page's plotly charts (book/outputs.py), each when it comes near the screen.
//
// A chart is a div.plotly-graph-div followed by <script type="application/json"> holding
// the arguments of Plotly.newPlot. plotly.js (1.75 MB, and about a second of drawing for
// a 3-D scatter) is fetched once, when the first chart is within a screen of being seen:
// a reader who never scrolls to a chart never pays for it, and the text paints first.
// On a phone a chart's legend goes under the plot and its title gets a smaller type.
(() => {
  "use strict";
  const script = document.currentScript;
  const libraryUrl = new URL(script.dataset.plotly, script.src).href;
  let library = null;

  function loadPlotly() {
    if (!library) {
      library = new Promise((resolve, reject) => {
        const tag = document.createElement("script");
        tag.src = libraryUrl;
        tag.onload = () => resolve(window.Plotly);
        tag.onerror = () => reject(new Error(`could not load ${libraryUrl}`));
        document.head.appendChild(tag);
      });
    }
    return library;
  }

  // Narrower than this, a legend beside the plot leaves the plot too little room.
  const NARROW_PX = 500;

  function draw(div) {
    const [data, layout, config] = JSON.parse(div.nextElementSibling.textContent);
    if (div.clientWidth < NARROW_PX && layout.title && layout.title.text) {
      // a phone: the title in a smaller type, so that it fits
      layout.title = { ...layout.title, font: { size: 14, ...layout.title.font } };
    }
    if (div.clientWidth < NARROW_PX && layout.showlegend !== false) {
      // a phone: the legend goes under the plot, its entries side by side
      layout.legend = {
        ...layout.legend,
        orientation: "h",
        ...{ x: 0, xanchor: "left", yref: "container", y: 0, yanchor: "bottom" },
      };
    }
    return loadPlotly().then((Plotly) => Plotly.newPlot(div, data, layout, config));
  }

  function start() {
    const charts = document.querySelectorAll(".course-plotly .plotly-graph-div");
    if (!("IntersectionObserver" in window)) {
      charts.forEach(draw);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting) {
            observer.unobserve(entry.target);
            draw(entry.target);
          }
        }
      },
      { rootMargin: "100% 0px" }, // a screen above and below the visible part
    );
    charts.forEach((div) => observer.observe(div));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

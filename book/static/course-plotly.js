// Draws the page's plotly charts (book/outputs.py), each when it comes near the screen.
//
// A chart is a div.plotly-graph-div followed by <script type="application/json"> holding
// the arguments of Plotly.newPlot. plotly.js (1.75 MB, and about a second of drawing for
// a 3-D scatter) is fetched once, when the first chart is within a screen of being seen:
// a reader who never scrolls to a chart never pays for it, and the text paints first.
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

  function draw(div) {
    const figure = JSON.parse(div.nextElementSibling.textContent);
    return loadPlotly().then((Plotly) => Plotly.newPlot(div, ...figure));
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

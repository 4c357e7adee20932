(function () {
  var box = document.getElementById('tl-filter');
  var table = document.getElementById('tl-table');
  if (!box || !table) { return; }
  box.hidden = false;
  var module = document.getElementById('f-module');
  var level = document.getElementById('f-level');
  var text = document.getElementById('f-text');
  var count = document.getElementById('f-count');
  var rows = table.tBodies[0].rows;
  function apply() {
    var m = module.value, l = level.value, t = text.value.toLowerCase(), shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], lv = r.getAttribute('data-l');
      var ok = (!m || r.getAttribute('data-m') === m)
        && (!l || (l === 'alerts' ? lv !== 'event' : lv === l))
        && (!t || r.textContent.toLowerCase().indexOf(t) >= 0);
      r.hidden = !ok;
      if (ok) { shown++; }
    }
    count.textContent = String(shown);
  }
  module.addEventListener('change', apply);
  level.addEventListener('change', apply);
  text.addEventListener('input', apply);
  apply();
}());

// Material's page-storage helpers, which its theme would write as an inline script (refused by the site's
// Content-Security-Policy): values kept in localStorage under the site's own path, so two sites on one host
// do not share them.  The scope is the site's root, the folder above this file's assets/ folder, which
// holds at any sub-path.  Loaded in <head>, before Material's bundle uses them.
(function () {
  "use strict";
  var me = document.currentScript;
  window.__md_scope = me ? new URL("../", me.src) : new URL("/", window.location.href);
  window.__md_hash = function (text) {
    return Array.from(String(text)).reduce(function (h, ch) { return (h << 5) - h + ch.charCodeAt(0); }, 0);
  };
  window.__md_get = function (key, storage, scope) {
    storage = storage || window.localStorage;
    scope = scope || window.__md_scope;
    return JSON.parse(storage.getItem(scope.pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, scope) {
    storage = storage || window.localStorage;
    scope = scope || window.__md_scope;
    try { storage.setItem(scope.pathname + "." + key, JSON.stringify(value)); } catch (e) { /* storage full or off */ }
  };
})();

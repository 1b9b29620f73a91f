// Starts GraphiQL on the coso page (served from the binary; no inline script, so the
// Content-Security-Policy can forbid them). A token in the URL fragment
// (`/graphql#token=coso_...`: fragments are never sent to a server) fills the Headers
// tab and is then removed from the address bar.
(function () {
  var headers = '';
  var match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (match) {
    headers = JSON.stringify({ Authorization: 'Bearer ' + decodeURIComponent(match[1]) }, null, 2);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      headers: headers || undefined,
      defaultEditorToolsVisibility: true,
      // The schema's documentation open from the start.
      visiblePlugin: GraphiQL.React.DOC_EXPLORER_PLUGIN,
      shouldPersistHeaders: false,
    })
  );
})();

/**
 * How a component joins an API server: with the kubeconfig it was given, or with its own
 * client certificate from the cluster CA of the data dir it shares with the API server.
 */
export { componentCredentials, type ComponentCredentialsOptions } from "./credentials.js";
export { tlsBootstrap, type TlsBootstrapOptions } from "./tls-bootstrap.js";

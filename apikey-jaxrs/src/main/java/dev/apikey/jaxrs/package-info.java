/**
 * Jakarta REST adapter: register {@link dev.apikey.jaxrs.ApiKeyFeature} once, annotate resource methods with
 * {@link dev.apikey.RequiresScope}, read the caller with {@link dev.apikey.jaxrs.ApiKeys}. Uses only the
 * Jakarta REST 3.1 API, so it runs on Jersey 3.1/4 and RESTEasy 6.2+.
 */
package dev.apikey.jaxrs;

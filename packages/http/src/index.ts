export { createRouteHandler, type HttpHandler } from './route-handler.js';

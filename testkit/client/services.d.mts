// Types of services.mjs (plain JavaScript, so the client image runs it without a compiler).
import type { Server as HttpServer } from 'node:http';
import type { Http2Server } from 'node:http2';
import type { Server as HttpsServer } from 'node:https';
import type { Server as NetServer } from 'node:net';

export function httpService(name?: string, health?: () => number): HttpServer;
export function h2cService(name?: string): Http2Server;
export function tlsService(cert: string | Buffer, key: string | Buffer, name?: string): HttpsServer;
export function tcpService(): NetServer;

/** @module @bgtasks/mcp: bgtasks as an MCP server (tools from the polling descriptors, bg_bash as an MCP task, notices on every result), over stdio or Streamable HTTP. */
export { HELP, type McpCliOptions, parseMcpArgs } from './args.ts';
export { generateToken, MIN_TOKEN_LENGTH, WWW_AUTHENTICATE } from './bearer.ts';
export {
  createMcpServer,
  IMMEDIATE_RESPONSE_META,
  MCP_SERVER_VERSION,
  type McpServerOptions,
  type McpSession,
} from './create-server.ts';
export { McpUsageError } from './errors.ts';
export { BoundedEventStore, EVENT_STORE_BYTES } from './event-store.ts';
export {
  createMcpHttpHandler,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_RECONNECT_GRACE_MS,
  DEFAULT_SESSION_IDLE_MS,
  loopbackHosts,
  MCP_PATH,
  type McpHttpHandler,
  type McpHttpHandlerOptions,
  type McpHttpServer,
  RETRY_INTERVAL_MS,
  type ServeMcpHttpOptions,
  serveMcpHttp,
} from './http.ts';
export {
  type Admission,
  admit,
  INVALID_PARAMS,
  INVALID_REQUEST,
  PARSE_ERROR,
  RawArguments,
} from './json-rpc-gate.ts';
export { LineTransport, type LineTransportOptions, MAX_LINE_BYTES } from './line-transport.ts';
export { NoticeRider, type Ride } from './notice-rider.ts';
export {
  createStatelessServer,
  HEADER_MISMATCH,
  isStatelessRequest,
  MISSING_CLIENT_CAPABILITY,
  REVISION_2026,
  RpcError,
  type StatelessReply,
  type StatelessRequest,
  type StatelessServer,
  type StatelessServerOptions,
  type StatelessTool,
  SUPPORTED_REVISIONS,
  type ToolRun,
  UNSUPPORTED_VERSION,
} from './stateless-server.ts';
export {
  bgtasksStatelessTools,
  createStatelessMcpServer,
  type StatelessMcpServerOptions,
} from './stateless-tools.ts';
export {
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_TASK_TTL_MS,
  JobTaskStore,
  type JobTaskStoreOptions,
  MAX_TASK_TTL_MS,
  TASK_PAGE_SIZE,
} from './task-store.ts';
export {
  type DetailedTask,
  type Finish,
  type InputRequest,
  TASKS_EXTENSION,
  type TaskError,
  type TaskStatus,
  TaskTable,
  type TaskTableOptions,
} from './task-table.ts';

// '@leasehold/server/mcp': the lease tools for coding agents over the Model Context Protocol,
// without the HTTP shell (no fastify): `leasehold mcp` serves them over stdio, and the service at
// /mcp (`mcp-http.ts`).
export { MemoryKeptLeases } from './mcp-kept-leases.js';
export type { KeptLeases, McpAgentHost } from './mcp-kept-leases.js';
export { claimTool, gateTool, releaseTool, renewTool } from './mcp-agent-tools.js';
export type { ClaimInput } from './mcp-agent-tools.js';
export { forceReleaseTool, listTool, releaseHolderTool, statusTool } from './mcp-space-tools.js';
export type { ListInput, StatusInput } from './mcp-space-tools.js';
export { leaseholdMcpServer } from './mcp-tools.js';
export type { LeaseholdMcpOptions } from './mcp-tools.js';
export {
  MCP_HISTORY_LIMIT_DEFAULT,
  MCP_KEPT_LEASES_MAX,
  MCP_LIST_LIMIT_DEFAULT,
  MCP_RELEASE_HOLDER_CALLS_MAX,
} from './limits.js';

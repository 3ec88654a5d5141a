/**
 * A row rule as a SQL condition: text to put in a WHERE clause and the named parameters it uses. Each rule file
 * names its parameters with its own prefix (see index.ts), so conditions can be combined in one statement.
 */
export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

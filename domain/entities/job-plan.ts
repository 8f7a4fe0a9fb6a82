/** The job graph Flink built from a JAR's main(), as its plan describes it. */
export interface JobPlan {
  /** The name main() gave the job (`env.execute(name)`). */
  flinkJobName: string;
  /** The graph's vertices (chained operators are one), in Flink's order. */
  vertices: { id: string; description: string; parallelism: number }[];
}

/** Why a plan check refused: Flink could not build the job graph, or the JAR could not be had (its codes as a run's). */
export type PlanRefusalCode = 'JOB_GRAPH_FAILED' | 'JAR_URL_NOT_ALLOWED' | 'JAR_DOWNLOAD_FAILED' | 'JAR_TOO_LARGE' | 'JAR_CHECKSUM_MISMATCH';

/** A plan check's outcome: the graph Flink built, or why it could not (a cause reduced to `class: message`). */
export type PlanCheckOutcome = { ok: true; plan: JobPlan } | { ok: false; code: PlanRefusalCode; cause: string };

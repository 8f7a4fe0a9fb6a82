import type { JobPlan } from '../../../domain/entities/job-plan.js';

/** What `POST /jars/:jarid/plan` answers (Flink 1.20 and 2.x); fields the service does not read are left out. */
export interface JarPlanBody {
  plan: { jid: string; name: string; nodes: { id: string; parallelism: number; description?: string }[] };
}

/**
 * The plan as the domain reads it. Flink writes a vertex's description for its web UI: the chained operators one
 * per line, separated by `<br/>`; they are given here as plain lines.
 */
export function jobPlanOf(body: JarPlanBody): JobPlan {
  return {
    flinkJobName: body.plan.name,
    vertices: body.plan.nodes.map((node) => ({
      id: node.id,
      description: (node.description ?? '').replace(/<br\s*\/?>/g, '\n').trimEnd(),
      parallelism: node.parallelism,
    })),
  };
}

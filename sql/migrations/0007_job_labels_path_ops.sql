DROP INDEX "jobs_labels_idx";--> statement-breakpoint
CREATE INDEX "jobs_labels_idx" ON "jobs" USING gin ("labels" jsonb_path_ops) WITH (fastupdate=false);
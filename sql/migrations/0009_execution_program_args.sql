DROP INDEX "job_executions_one_per_tick";--> statement-breakpoint
ALTER TABLE "job_executions" ADD COLUMN "program_args" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "job_executions_one_per_tick" ON "job_executions" USING btree ("job_id","scheduled_for","attempt") WHERE "job_executions"."scheduled_for" is not null and "job_executions"."trigger" = 'schedule';
package com.example.flinkjob;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * A map that cannot be snapshotted, like an operator whose state is not supported yet: every checkpoint and
 * savepoint of the job is declined with {@code UnsupportedOperationException("Not supported yet")}.
 */
final class RefuseSnapshot implements MapFunction<Long, Long>, CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    static final String MESSAGE = "Not supported yet";
    private final TestJob.Throttle throttle;

    RefuseSnapshot(long delayMs) {
        this.throttle = new TestJob.Throttle(delayMs);
    }

    @Override
    public Long map(Long value) throws Exception {
        return throttle.map(value);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        throw new UnsupportedOperationException(MESSAGE);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}
}

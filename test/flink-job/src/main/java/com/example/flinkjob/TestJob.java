package com.example.flinkjob;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Test job with five behaviours, chosen by the first program argument or by {@code --mode <m>}:
 *
 * <ul>
 *   <li>{@code bounded} - processes {@code --count} (default 1000) numbers and finishes.
 *   <li>{@code unbounded} - emits one number every {@code --delay-ms} (default 50) ms until it is
 *       stopped or cancelled; supports stop-with-savepoint and restoring from that savepoint. It counts
 *       the numbers in keyed state, which a restore carries on; {@code --progress-file <path>} makes
 *       it write that count to the file every 10 numbers; {@code --fail-at-count <n>} fails its task
 *       at the count n, unless it started from a restored count.
 *   <li>{@code nosnapshot} - like {@code unbounded}, but an operator declines every checkpoint and
 *       savepoint ({@code UnsupportedOperationException("Not supported yet")}).
 *   <li>{@code fail} - a task throws {@code RuntimeException("TestJob task failure: <message>")},
 *       so the job ends FAILED.
 *   <li>{@code mainfail} - {@code main()} throws {@code IllegalArgumentException("TestJob main
 *       failure: <message>")} before any job is built.
 * </ul>
 *
 * <p>{@code --message <text>} sets the text used by the two fail modes. Only APIs present in both
 * Flink 1.20 and Flink 2.x are used, so one jar runs on both.
 */
public final class TestJob {

    public static final String TASK_FAILURE_PREFIX = "TestJob task failure: ";
    public static final String MAIN_FAILURE_PREFIX = "TestJob main failure: ";
    static final String DEFAULT_MESSAGE = "requested by test";

    private static final ConfigOption<String> RESTART_STRATEGY =
            ConfigOptions.key("restart-strategy.type").stringType().noDefaultValue();

    private TestJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        parseArgs(args, options, positional);

        String mode = options.get("mode");
        if (mode == null && !positional.isEmpty()) {
            mode = positional.get(0);
        }
        if (mode == null) {
            mode = "bounded";
        }
        mode = mode.toLowerCase(Locale.ROOT);
        String message = options.getOrDefault("message", DEFAULT_MESSAGE);
        System.out.println("TestJob starting, mode=" + mode + ", args=" + String.join(" ", args));

        if (mode.equals("mainfail")) {
            throw new IllegalArgumentException(MAIN_FAILURE_PREFIX + message);
        }

        // A failing task must fail the whole job at once, whatever the cluster default is.
        Configuration conf = new Configuration();
        conf.set(RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);

        switch (mode) {
            case "bounded": {
                long count = parseLong(options, "count", 1000L);
                env.fromSequence(1, count)
                        .name("sequence")
                        .uid("bounded-source")
                        .map(new Square())
                        .name("square")
                        .uid("bounded-square")
                        .sinkTo(new DiscardingSink<>())
                        .name("discard")
                        .uid("bounded-sink");
                env.execute("TestJob bounded");
                break;
            }
            case "unbounded": {
                long delayMs = parseLong(options, "delay-ms", 50L);
                env.fromSequence(0, Long.MAX_VALUE)
                        .name("sequence")
                        .uid("unbounded-source")
                        .map(new Throttle(delayMs))
                        .name("throttle")
                        .uid("unbounded-throttle")
                        .keyBy(new SingleKey())
                        .map(new KeyedCount(options.get("progress-file"), parseLong(options, "fail-at-count", 0L)))
                        .name("count")
                        .uid("unbounded-count")
                        .sinkTo(new DiscardingSink<>())
                        .name("discard")
                        .uid("unbounded-sink");
                env.execute("TestJob unbounded");
                break;
            }
            case "nosnapshot": {
                env.fromSequence(0, Long.MAX_VALUE)
                        .name("sequence")
                        .uid("nosnapshot-source")
                        .map(new RefuseSnapshot(parseLong(options, "delay-ms", 50L)))
                        .name("refuse-snapshot")
                        .uid("nosnapshot-map")
                        .sinkTo(new DiscardingSink<>())
                        .name("discard")
                        .uid("nosnapshot-sink");
                env.execute("TestJob nosnapshot");
                break;
            }
            case "fail": {
                long failAt = parseLong(options, "fail-at", 3L);
                env.fromSequence(1, 1_000_000L)
                        .name("sequence")
                        .uid("fail-source")
                        .map(new FailAt(failAt, message))
                        .name("fail")
                        .uid("fail-map")
                        .sinkTo(new DiscardingSink<>())
                        .name("discard")
                        .uid("fail-sink");
                env.execute("TestJob fail");
                break;
            }
            default:
                throw new IllegalArgumentException(
                        "TestJob: unknown mode '"
                                + mode
                                + "' (expected bounded, unbounded, nosnapshot, fail or mainfail)");
        }
    }

    /** Accepts {@code --key value}, {@code --key=value}, a bare {@code --flag} and positionals. */
    static void parseArgs(String[] args, Map<String, String> options, List<String> positional) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--") && arg.length() > 2) {
                String key = arg.substring(2);
                int eq = key.indexOf('=');
                if (eq >= 0) {
                    options.put(key.substring(0, eq), key.substring(eq + 1));
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    options.put(key, args[++i]);
                } else {
                    options.put(key, "true");
                }
            } else {
                positional.add(arg);
            }
        }
    }

    private static long parseLong(Map<String, String> options, String key, long def) {
        String value = options.get(key);
        if (value == null) {
            return def;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "TestJob: --" + key + " must be a number, got '" + value + "'", e);
        }
    }

    /** Cheap work for the bounded mode. */
    static final class Square implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) {
            return value * value;
        }
    }

    /** Slows the unbounded stream down so it runs until it is stopped. */
    static final class Throttle implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private final long delayMs;

        Throttle(long delayMs) {
            this.delayMs = delayMs;
        }

        @Override
        public Long map(Long value) throws Exception {
            if (delayMs > 0) {
                Thread.sleep(delayMs);
            }
            return value;
        }
    }

    /** Every number goes to one key, so one keyed count sees them all. */
    static final class SingleKey implements KeySelector<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(Long value) {
            return 0L;
        }
    }

    /**
     * Counts the numbers in keyed state, which savepoints and checkpoints keep: after a restore the
     * count goes on from where it was, not from zero. Writes it to {@code progressFile} (if given)
     * every 10 numbers, through a temporary file, so a reader never sees half a number. With {@code
     * failAtCount} above 0, a task that started from zero throws at that count: a job that fails
     * once, which runs on when restored.
     */
    static final class KeyedCount extends RichMapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private final String progressFile;
        private final long failAtCount;
        private transient ValueState<Long> count;
        private transient boolean fromZero;

        KeyedCount(String progressFile, long failAtCount) {
            this.progressFile = progressFile;
            this.failAtCount = failAtCount;
        }

        @Override
        public Long map(Long value) throws Exception {
            if (count == null) {
                count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Long.class));
                fromZero = count.value() == null;
            }
            Long before = count.value();
            long now = (before == null ? 0L : before) + 1;
            if (fromZero && now == failAtCount) {
                throw new RuntimeException(TASK_FAILURE_PREFIX + "count " + now);
            }
            count.update(now);
            if (progressFile != null && now % 10 == 0) {
                Path target = Paths.get(progressFile);
                Path part = target.resolveSibling(target.getFileName() + ".part");
                Files.write(part, Long.toString(now).getBytes(StandardCharsets.UTF_8));
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return value;
        }
    }

    /** Throws once it sees the given value. */
    static final class FailAt implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private final long failAt;
        private final String message;

        FailAt(long failAt, String message) {
            this.failAt = failAt;
            this.message = message;
        }

        @Override
        public Long map(Long value) {
            if (value >= failAt) {
                throw new RuntimeException(TASK_FAILURE_PREFIX + message);
            }
            return value;
        }
    }
}

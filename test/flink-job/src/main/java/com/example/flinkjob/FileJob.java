package com.example.flinkjob;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.ReduceFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads CSV lines {@code key,amount} with the file connector ({@link FileSource} and {@link
 * TextLineInputFormat}), sums the amounts per key and writes {@code key,total} lines with {@link
 * FileSink}. Runs in BATCH mode, so the sink commits its files when the input ends.
 *
 * <p>Arguments: {@code --input <file or folder>} and {@code --output <folder>} (paths or URIs such
 * as {@code file:///tmp/in.csv}); with {@code --date <text>}, each output line starts with that text,
 * {@code date,key,total}, so a caller can read back the argument the job was given. Blank lines and lines starting with {@code #} are skipped; any
 * other line that is not {@code key,number} fails the job.
 */
public final class FileJob {

    private FileJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        TestJob.parseArgs(args, options, positional);
        String input = required(options, "input");
        String output = required(options, "output");
        String linePrefix = options.containsKey("date") ? required(options, "date") + "," : "";

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);

        FileSource<String> source =
                FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(input))
                        .build();
        FileSink<String> sink =
                FileSink.forRowFormat(new Path(output), new SimpleStringEncoder<String>("UTF-8"))
                        .build();

        env.fromSource(source, WatermarkStrategy.noWatermarks(), "file-source")
                .uid("file-source")
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .name("skip-blank")
                .map(new ParseLine())
                .returns(Types.TUPLE(Types.STRING, Types.LONG))
                .name("parse")
                .keyBy(new ByKey())
                .reduce(new Sum())
                .name("sum")
                .map(new Format(linePrefix))
                .name("format")
                .sinkTo(sink)
                .name("file-sink")
                .uid("file-sink");
        env.execute("FileJob");
    }

    static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null || value.isBlank() || value.equals("true")) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return value;
    }

    /** {@code key,amount} to a tuple. */
    static final class ParseLine implements MapFunction<String, Tuple2<String, Long>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple2<String, Long> map(String line) {
            int comma = line.indexOf(',');
            if (comma <= 0) {
                throw new IllegalArgumentException("FileJob: expected key,amount, got '" + line + "'");
            }
            return Tuple2.of(
                    line.substring(0, comma).trim(), Long.parseLong(line.substring(comma + 1).trim()));
        }
    }

    static final class ByKey implements KeySelector<Tuple2<String, Long>, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Tuple2<String, Long> value) {
            return value.f0;
        }
    }

    static final class Sum implements ReduceFunction<Tuple2<String, Long>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple2<String, Long> reduce(Tuple2<String, Long> a, Tuple2<String, Long> b) {
            return Tuple2.of(a.f0, a.f1 + b.f1);
        }
    }

    static final class Format implements MapFunction<Tuple2<String, Long>, String> {
        private static final long serialVersionUID = 1L;

        private final String prefix;

        Format(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public String map(Tuple2<String, Long> value) {
            return prefix + value.f0 + "," + value.f1;
        }
    }
}

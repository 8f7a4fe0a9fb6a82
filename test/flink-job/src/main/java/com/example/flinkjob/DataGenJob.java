package com.example.flinkjob;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates {@code --count} records (default 100) with a bounded {@link DataGeneratorSource}, one
 * line {@code event-<i>,<i * i>} for i = 0 .. count - 1, and writes them with {@link FileSink} to
 * {@code --output <folder>}.
 */
public final class DataGenJob {

    private DataGenJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        TestJob.parseArgs(args, options, positional);
        String output = FileJob.required(options, "output");
        long count = Long.parseLong(options.getOrDefault("count", "100").trim());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);

        DataGeneratorSource<String> source =
                new DataGeneratorSource<>(new Event(), count, Types.STRING);
        FileSink<String> sink =
                FileSink.forRowFormat(new Path(output), new SimpleStringEncoder<String>("UTF-8"))
                        .build();

        env.fromSource(source, WatermarkStrategy.noWatermarks(), "datagen")
                .uid("datagen")
                .sinkTo(sink)
                .name("file-sink")
                .uid("file-sink");
        env.execute("DataGenJob");
    }

    /** The i-th generated record. */
    static final class Event implements GeneratorFunction<Long, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String map(Long index) {
            return "event-" + index + "," + (index * index);
        }
    }
}

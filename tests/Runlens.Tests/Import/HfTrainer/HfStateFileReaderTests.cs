using System.Globalization;
using System.Text;
using Runlens.Import.HfTrainer;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.HfTrainer;

/// <summary>
/// The parallel, streamed reading of a large <c>trainer_state.json</c> gives what the one-pass reader gives, field for
/// field, point for point, damage report for damage report. Small options cut small files into many parts read through
/// tiny buffers, so every boundary case (an entry cut by the buffer, a literal cut by it, a guess inside a string, an
/// entry without a step at a part's start) happens on real files.
/// </summary>
public sealed class HfStateFileReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("runlens-hf-parallel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<int, int> Cuts => new() { { 2, 64 }, { 3, 1 << 10 }, { 7, 17 }, { 16, 256 } };

    [Theory]
    [MemberData(nameof(Cuts))]
    public async Task Reads_the_example_runs_as_the_one_pass_reader_does(int parts, int buffer)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures.RepoRoot, "examples"), "trainer_state.json", SearchOption.AllDirectories))
        {
            Assert.True(await AssertSameAsync(await File.ReadAllBytesAsync(file), parts, buffer, expectEntries: true) > 1, file);
        }
    }

    [SharedFact]
    public async Task Reads_every_real_trainer_state_of_the_shared_corpus_as_the_one_pass_reader_does()
    {
        var files = Directory.GetFiles(Fixtures.SharedReal!, "trainer_state.json", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        var fast = 0;
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            await AssertSameAsync(bytes, 4, 128, expectEntries: false);
            await AssertSameAsync(bytes, 9, 4096, expectEntries: false);
            fast += await AssertSameAsync(bytes, 3, 1 << 10, expectEntries: false) > 1 ? 1 : 0;
        }

        Assert.True(fast >= files.Length - 2, $"{fast} of {files.Length} read in parts");
    }

    [Fact]
    public async Task Reads_non_finite_literals_cut_by_every_buffer_position_as_the_one_pass_reader_does()
    {
        var bytes = Encoding.UTF8.GetBytes(Generated(400, i => i % 7 == 3 ? "NaN" : i % 11 == 5 ? "-Infinity" : i % 13 == 1 ? "Infinity" : null));
        for (var buffer = 40; buffer < 120; buffer += 3)
        {
            Assert.Equal(5, await AssertSameAsync(bytes, 5, buffer, expectEntries: true));
        }
    }

    [Fact]
    public async Task Carries_the_step_of_the_part_before_into_entries_without_one()
    {
        // every entry but each tenth has no step: entries at a part's start take the step of the part before
        var text = new StringBuilder("{\"global_step\": 1000, \"log_history\": [\n");
        for (var i = 0; i < 500; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {{\"loss\": {i * 0.001}, \"grad_norm\": {i}{(i % 10 == 0 ? $", \"step\": {i * 2}" : "")}}}");
            text.Append(i < 499 ? ",\n" : "\n");
        }

        text.Append("], \"max_steps\": 1000}");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        foreach (var parts in new[] { 3, 8, 31 })
        {
            Assert.Equal(parts, await AssertSameAsync(bytes, parts, 200, expectEntries: true));
        }
    }

    [Fact]
    public async Task Reads_entries_whose_strings_hold_entry_boundaries_as_the_one_pass_reader_does()
    {
        // a string value holding "}, {" is where a guessed boundary is wrong: the parts must notice and read it whole
        var bytes = Encoding.UTF8.GetBytes(Generated(300, _ => null, note: "\"x}, {\\\"step\\\": 5}, {y\""));
        foreach (var parts in new[] { 2, 5, 13 })
        {
            Assert.Equal(1, await AssertSameAsync(bytes, parts, 256, expectEntries: true));
        }
    }

    [Fact]
    public async Task Reads_entries_of_every_token_shape_cut_by_every_buffer_position_as_the_one_pass_reader_does()
    {
        // Between plain entries, entries holding what the byte scanner reads itself (exponents, negative zero, strings,
        // true/false/null, a rewritten literal, no white space, odd white space, an empty entry, repeated names) and what it
        // leaves to the reader (an overflowing number, an escaped or non-ASCII name, a comment, a trailing comma, steps that
        // are not plain integers, a non-ASCII string): every one must read as the one-pass reader reads it.
        string[] shapes =
        [
            "\"loss\": 1E5, \"grad_norm\": 2.5e-3, \"step\": 3",
            "\"loss\": -0, \"grad_norm\": -1.25E+2, \"step\": -0",
            "\"loss\": 1e400, \"grad_norm\": -1e400, \"step\": 4",
            "\"loss\": 0.5, \"note\": \"a string\", \"flag\": true, \"other\": false, \"none\": null, \"step\": 5",
            "\"lo\\u0073s\": 0.25, \"step\": 6",
            "\"l\u00e4ss\": 0.25, \"step\": 7",
            "\"loss\": 0.125 /* a comment */, \"step\": 8",
            "\"loss\": 0.1, \"step\": 9,",
            "\"loss\": 0.1, \"step\": 10.0",
            "\"loss\": 0.1, \"step\": 1e1",
            "\"loss\": 0.1, \"step\": \"11\"",
            "\"loss\": 0.1, \"step\": 123456789012345678901",
            "\"epoch\": \"x\", \"loss\": 0.3, \"epoch\": null, \"step\": 12",
            "\"step\": 13, \"loss\": NaN, \"step\": 14, \"epoch\": -Infinity",
            "",
            "\"loss\":0.7,\"step\":15",
            "\"loss\" : 0.1 ,\t\"step\"\r\n: 16",
            "\"loss\": 0.2, \"note\": \"caf\u00e9\", \"step\": 17",
            "\"loss\": 0.2, \"loss\": 0.4, \"step\": 18",
        ];
        var text = new StringBuilder("{\"global_step\": 100, \"log_history\": [\n");
        for (var i = 0; i < 120; i++)
        {
            var body = i % 3 == 1 ? shapes[i / 3 % shapes.Length] : string.Create(CultureInfo.InvariantCulture, $"\"epoch\": {i / 10.0}, \"grad_norm\": {i + 0.5}, \"loss\": {1.0 / (i + 1):R}, \"step\": {i * 10}");
            text.Append(CultureInfo.InvariantCulture, $"    {{{body}}}{(i < 119 ? "," : "")}\n");
        }

        text.Append("], \"max_steps\": 1000}");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        for (var buffer = 24; buffer < 400; buffer += 7)
        {
            Assert.True(await AssertSameAsync(bytes, 4, buffer, expectEntries: true) > 1, $"buffer {buffer}");
        }
    }

    [Fact]
    public async Task Reads_entries_of_the_shape_before_with_every_kind_of_value_as_the_one_pass_reader_does()
    {
        // json.dump's indented entries, each the same bytes around its values as the entry before (what HfEntryTemplate
        // compares at once), holding numbers of every form, and now and then a value that is not a plain number or a byte
        // that differs: each must read as the one-pass reader reads it, whatever the buffer cuts.
        string[] numbers =
        [
            "0.35227642760252414", "4.999995E-05", "4.9999850000000005E-05", "-0", "-0.0", "0", "0.0", "1e22", "1e23",
            "9007199254740993", "9007199254740992", "12345678901234567890", "0.1", "2.2250738585072014E-308", "5e-324",
            "1e-400", "1.7976931348623157e308", "123456789012345678e-40", "1E+2", "7e0", "0.000001234", "-3.5e-7", "1e400",
            "\"a string\"", "null", "true", "NaN", "-Infinity", "{\"nested\": 1}", "[1, 2]", "1.", "01", "-", ".5", "1e", "0x10",
        ];
        string[] steps = ["7", "-3", "0", "123456789012345678", "1234567890123456789", "1.5", "1e3", "\"4\"", "null", "-0", "00"];
        var rng = new Random(7);
        var text = new StringBuilder("{\n  \"global_step\": 100,\n  \"log_history\": [\n");
        for (var i = 0; i < 400; i++)
        {
            var plain = rng.Next(3) > 0;
            string Number() => plain ? (rng.NextDouble() * 3).ToString("R", CultureInfo.InvariantCulture) : numbers[rng.Next(numbers.Length)];
            var step = plain || rng.Next(2) == 0 ? (i * 5).ToString(CultureInfo.InvariantCulture) : steps[rng.Next(steps.Length)];
            var indent = plain || rng.Next(4) > 0 ? "      " : "     ";
            text.Append(i % 7 == 6
                ? $"    {{\n{indent}\"epoch\": {Number()},\n{indent}\"eval_loss\": {Number()},\n{indent}\"step\": {step}\n    }}"
                : $"    {{\n{indent}\"epoch\": {Number()},\n{indent}\"grad_norm\": {Number()},\n{indent}\"learning_rate\": {Number()},\n{indent}\"loss\": {Number()},\n{indent}\"step\": {step}\n    }}");
            text.Append(i < 399 ? ",\n" : "\n");
        }

        text.Append("  ],\n  \"max_steps\": 1000\n}\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        for (var buffer = 30; buffer < 500; buffer += 11)
        {
            await AssertSameAsync(bytes, 3, buffer, expectEntries: false);
        }

        // numbers of every form that is not damage, in the generated file of plain entries: read in parts
        Assert.Equal(3, await AssertSameAsync(Encoding.UTF8.GetBytes(Generated(300, i => numbers[i % 23])), 3, 256, expectEntries: true));
    }

    [Fact]
    public void Reads_each_number_to_the_double_fast_float_gives()
    {
        // the template's own parse (whole digits times or over an exact power of ten) must give fast_float's double, bit for bit
        var rng = new Random(11);
        for (var i = 0; i < 200_000; i++)
        {
            var digits = rng.Next(1, 21);
            var mantissa = new StringBuilder();
            for (var d = 0; d < digits; d++)
            {
                mantissa.Append((char)('0' + rng.Next(10)));
            }

            var m = mantissa.ToString().TrimStart('0');
            m = m.Length == 0 ? "0" : m;
            var point = rng.Next(m.Length + 1);
            var text = (rng.Next(4) == 0 ? "-" : "") + (point == m.Length ? m : (point == 0 ? "0" : m[..point]) + "." + m[point..])
                + (rng.Next(3) == 0 ? (rng.Next(2) == 0 ? "e" : "E-") + rng.Next(30).ToString(CultureInfo.InvariantCulture) : "");
            var bytes = Encoding.ASCII.GetBytes(text + ",");
            var at = 0;
            Assert.True(HfEntryTemplate.TryNumber(bytes, ref at, out var value), text);
            Assert.Equal(text.Length, at);
            var expected = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(value), $"{text}: {value:R} against {expected:R}");
        }
    }

    [Fact]
    public async Task Reports_damage_in_mutated_files_exactly_as_the_one_pass_reader_does()
    {
        var seedBytes = await File.ReadAllBytesAsync(Path.Combine(Fixtures.Example("hf-trainer-multi-eval-overfit"), "trainer_state.json"));
        var generated = Encoding.UTF8.GetBytes(Generated(200, i => i % 17 == 4 ? "NaN" : null));
        var rng = new Random(20);
        var damaged = 0;
        for (var i = 0; i < 300; i++)
        {
            var (bytes, _) = Fuzz.Mutate(i % 2 == 0 ? seedBytes : generated, rng);
            damaged += await AssertSameAsync(bytes, 2 + (i % 5), 64 + (i % 300), expectEntries: false) == 0 ? 1 : 0;
        }

        Assert.InRange(damaged, 100, 300); // most mutations are damage, read the one-pass way
    }

    private static string Generated(int entries, Func<int, string?> special, string? note = null)
    {
        var text = new StringBuilder("{\n  \"best_metric\": NaN,\n  \"epoch\": 3.0,\n  \"global_step\": 900,\n  \"log_history\": [\n");
        for (var i = 0; i < entries; i++)
        {
            var loss = special(i) ?? (2.0 / (i + 1)).ToString("R", CultureInfo.InvariantCulture);
            text.Append(i % 10 == 9
                ? $"    {{\n      \"epoch\": {i / 100.0},\n      \"eval_loss\": {loss},\n      \"eval_runtime\": 1.5,\n      \"step\": {i}\n    }}"
                : $"    {{\n      \"epoch\": {i / 100.0},\n      \"grad_norm\": {loss},\n      \"learning_rate\": 5e-05,\n      \"loss\": {loss},{(note is null ? "" : $" \"note\": {note},")}\n      \"step\": {i}\n    }}");
            text.Append(",\n");
        }

        text.Append("    {\"epoch\": 3.0, \"step\": 900, \"total_flos\": 1e15, \"train_loss\": 0.9, \"train_runtime\": 3.5}\n");
        text.Append("  ],\n  \"max_steps\": 900,\n  \"stateful_callbacks\": {\"EarlyStoppingCallback\": {\"args\": {\"early_stopping_patience\": 3}, \"attributes\": {\"early_stopping_patience_counter\": 1}}},\n  \"train_batch_size\": 8\n}\n");
        return text.ToString();
    }

    /// <summary>Asserts the two readings agree; returns how many parts the fast one read in (0: it read the file whole).</summary>
    private async Task<int> AssertSameAsync(byte[] bytes, int parts, int buffer, bool expectEntries)
    {
        var path = Path.Combine(_dir, "trainer_state.json");
        await File.WriteAllBytesAsync(path, bytes);
        string expected;
        try
        {
            expected = Describe(HfTrainerStateReader.Read((byte[])bytes.Clone(), path, CancellationToken.None));
        }
        catch (Runlens.Import.RunImportException ex)
        {
            expected = "error: " + ex.Message;
        }

        string actual;
        var read = 0;
        try
        {
            var state = await HfStateFileReader.ReadAsync(path, CancellationToken.None, new HfReadOptions(0, parts, 1, buffer));
            read = state.Parts;
            actual = Describe(state);
        }
        catch (Runlens.Import.RunImportException ex)
        {
            actual = "error: " + ex.Message;
        }

        Assert.Equal(expected, actual);
        if (expectEntries)
        {
            Assert.DoesNotContain("entries 0\n", actual, StringComparison.Ordinal);
        }

        return read;
    }

    /// <summary>Everything the importer takes from a read state, as text.</summary>
    private static string Describe(HfTrainerStateFile s)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"global_step {s.GlobalStep}, epoch {s.Epoch:R}, max_steps {s.MaxSteps}, epochs {s.NumTrainEpochs:R}, ");
        b.Append(CultureInfo.InvariantCulture, $"logging {s.LoggingSteps}, eval {s.EvalSteps}, save {s.SaveSteps}, batch {s.TrainBatchSize}, best {s.BestMetric:R} ");
        b.Append(CultureInfo.InvariantCulture, $"{s.BestModelCheckpoint} {s.BestGlobalStep}, local0 {s.IsLocalProcessZero}, stop {s.ShouldTrainingStop}, ");
        b.Append(CultureInfo.InvariantCulture, $"es {s.HasEarlyStoppingCallback} {s.EarlyStoppingPatience} {s.EarlyStoppingThreshold:R} {s.EarlyStoppingPatienceCounter}, ");
        b.Append(CultureInfo.InvariantCulture, $"summary entry {s.HasSummaryEntry}, saw field {s.SawField}\nentries {s.LogEntries}\n");
        foreach (var (name, value) in s.Summary)
        {
            b.Append(CultureInfo.InvariantCulture, $"summary {name} = {value:R}\n");
        }

        foreach (var e in s.Events)
        {
            b.Append(CultureInfo.InvariantCulture, $"event {e.Kind} {e.Message} @ {e.File} {e.Location}\n");
        }

        foreach (var (key, series) in s.Series.Build())
        {
            b.Append(CultureInfo.InvariantCulture, $"series {key} ({series.OriginalName}) {series.Count}:");
            foreach (var p in series.Points)
            {
                b.Append(CultureInfo.InvariantCulture, $" {p.Step}/{p.Value:R}/{p.Epoch:R}");
            }

            b.Append('\n');
        }

        return b.ToString();
    }
}

using System.Globalization;

namespace Runlens.Fuzzing;

/// <summary>
/// <c>Runlens.Fuzzing TARGET</c>: runs TARGET under afl-fuzz (SharpFuzz's persistent mode; see fuzz/README.md).
/// <c>Runlens.Fuzzing TARGET --replay FILE|DIR...</c>: feeds files once and prints what each gave (no AFL needed).
/// <c>Runlens.Fuzzing --list</c>: the targets.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] == "--list")
        {
            foreach (var t in FuzzTargets.All)
            {
                Console.WriteLine($"{t.Name,-18} {t.Reads}");
            }

            return args.Length == 0 ? 1 : 0;
        }

        if (args.Length > 1 && args[1] == "--replay")
        {
            var target = FuzzTargets.Find(args[0]);
            if (target is null)
            {
                Console.Error.WriteLine($"Runlens.Fuzzing: no target '{args[0]}'; --list shows them");
                return 1;
            }

            var files = args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p) : [p]).Order(StringComparer.Ordinal).ToList();
            foreach (var file in files)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var refusal = target.Feed(File.ReadAllBytes(file));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(file)}\t{clock.Elapsed.TotalMilliseconds:F1} ms\t{(refusal is null ? "read" : refusal.GetType().Name + ": " + refusal.Message.ReplaceLineEndings(" "))}"));
            }

            return 0;
        }

        if (args.Length > 2 && args[1] == "--bench")
        {
            var target = FuzzTargets.Find(args[0]);
            if (target is null || !double.TryParse(args[2], CultureInfo.InvariantCulture, out var seconds))
            {
                Console.Error.WriteLine("Runlens.Fuzzing: usage TARGET --bench SECONDS DIR|FILE...");
                return 1;
            }

            return Bench(target, seconds, args.Skip(3));
        }

        // Instrumented code may only run once SharpFuzz has mapped AFL's coverage map: the target is looked up inside.
        FuzzTarget? fuzzed = null;
        SharpFuzz.Fuzzer.Run(stream =>
        {
            fuzzed ??= FuzzTargets.Find(args[0]) ?? throw new ArgumentException($"no target '{args[0]}'; --list shows them");
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            _ = fuzzed.Feed(memory.ToArray());
        });
        return 0;
    }

    /// <summary>Feeds the inputs round and round for <paramref name="seconds"/> (after one warm-up pass) and prints
    /// executions per second, CPU time per execution and thread-pool work items per execution: the cost of one
    /// execution of the plain build, without AFL.</summary>
    private static int Bench(FuzzTarget target, double seconds, IEnumerable<string> paths)
    {
        var inputs = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p) : [p]).Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes).ToList();
        if (inputs.Count == 0)
        {
            Console.Error.WriteLine("Runlens.Fuzzing: --bench found no inputs");
            return 1;
        }

        foreach (var input in inputs)
        {
            _ = target.Feed(input);
        }

        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var items0 = ThreadPool.CompletedWorkItemCount;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long execs = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            _ = target.Feed(inputs[(int)(execs % inputs.Count)]);
            execs++;
        }

        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{target.Name}\t{execs} execs\t{wall:F1} s\t{execs / wall:F0} execs/s\t{cpu * 1e6 / execs:F0} us CPU/exec\t{(double)(ThreadPool.CompletedWorkItemCount - items0) / execs:F2} pool items/exec\t{inputs.Count} inputs"));
        return 0;
    }
}

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
}

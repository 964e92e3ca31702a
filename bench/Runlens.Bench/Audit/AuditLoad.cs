using System.Diagnostics;
using System.Globalization;
using Runlens.Audit;
using Runlens.Audit.Hashing;
using SkiaSharp;

namespace Runlens.Bench.Audit;

/// <summary>
/// <c>audit [IMAGES]</c>: the data audit's speed and memory. Generates 256×256 JPEGs (each unique: gradients, shapes and
/// noise; every 50th a copy, every 50th blurred), then times (1) a whole <c>runlens audit</c> process with every check
/// and its peak RSS, at a quarter of the images and at all of them, to show memory does not grow with the dataset;
/// (2) the audit in this process; (3) the near-duplicate search over 1,000,000 perceptual hashes; (4) the same image
/// audit in Python with PIL and NumPy (<c>audit_baseline.py</c>), and the ratio.
/// </summary>
internal static class AuditLoad
{
    public static async Task<int> RunAsync(int images)
    {
        var root = Path.Combine(Path.GetTempPath(), $"runlens-bench-audit-{images}");
        if (!Directory.Exists(root) || Directory.EnumerateFiles(root, "*.jpg", SearchOption.AllDirectories).Count() < images)
        {
            var sw0 = Stopwatch.StartNew();
            Generate(root, images);
            Console.WriteLine(Inv($"generated {images:N0} 256×256 JPEGs in {root} ({sw0.Elapsed.TotalSeconds:F1} s)"));
        }

        var quarter = Path.Combine(Path.GetTempPath(), $"runlens-bench-audit-{images}-quarter");
        if (!Directory.Exists(quarter))
        {
            Directory.CreateDirectory(quarter);
            foreach (var f in Directory.EnumerateFiles(root, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(images / 4))
            {
                var dest = Path.Combine(quarter, Path.GetRelativePath(root, f));
                Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
                File.Copy(f, dest);
            }
        }

        var cli = Path.Combine(AppContext.BaseDirectory, "runlens.dll");
        Console.WriteLine("a whole `runlens audit DIR --format json` process, every check, 2 cores; peak RSS of the process (runtime included):");
        foreach (var (dir, n) in new[] { (quarter, images / 4), (root, images), (quarter, images / 4), (root, images) })
        {
            var (seconds, peak) = await TimeProcessAsync("dotnet", cli, "audit", dir, "--format", "json", "--out", "/dev/null");
            Console.WriteLine(Inv($"  {n,6:N0} images: {seconds:F2} s = {n / seconds,5:F0} images/s, peak RSS {peak / 1e6:F0} MB"));
        }

        Console.WriteLine("in this process (no start-up), every check:");
        for (var round = 0; round < 3; round++)
        {
            var sw = Stopwatch.StartNew();
            var result = await AuditRunner.RunAsync(root, new AuditOptions());
            Console.WriteLine(Inv($"  {images:N0} images: {sw.Elapsed.TotalSeconds:F2} s = {images / sw.Elapsed.TotalSeconds:F0} images/s ({result.Findings.Length} findings, {result.Summary.Flagged} flagged)"));
        }

        NearDuplicateIndex(1_000_000);

        var script = Path.Combine(AppContext.BaseDirectory, "Audit", "audit_baseline.py");
        if (File.Exists("/usr/bin/python3"))
        {
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(root);
            using var p = Process.Start(psi)!;
            var line = (await p.StandardOutput.ReadToEndAsync()).Trim();
            await p.WaitForExitAsync();
            Console.WriteLine(line);
            var sw = Stopwatch.StartNew();
            await AuditRunner.RunAsync(root, new AuditOptions());
            var ours = images / sw.Elapsed.TotalSeconds;
            if (line.Split(" = ") is [_, var rest] && double.TryParse(rest.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var theirs))
            {
                Console.WriteLine(Inv($"ratio: Runlens in-process {ours:F0} images/s (all 25 checks) / Python {theirs:F0} images/s (measures, exact and near copies only) = {ours / theirs:F1}×"));
            }
        }

        return 0;
    }

    private static void NearDuplicateIndex(int count)
    {
        var rng = new Random(1);
        var hashes = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            // 1% planted near copies (0-6 bits flipped); the rest random
            hashes[i] = i % 100 == 99 ? hashes[i - 1] ^ (1UL << rng.Next(64)) ^ (1UL << rng.Next(64)) : (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 33);
        }

        foreach (var d in new[] { 6, 8 })
        {
            var sw = Stopwatch.StartNew();
            var index = new HammingIndex(hashes);
            var built = sw.Elapsed;
            var pairs = index.Pairs(d);
            Console.WriteLine(Inv($"near-duplicate search, {count:N0} perceptual hashes, distance ≤ {d}: {sw.Elapsed.TotalSeconds:F2} s (index {built.TotalSeconds:F2} s), {pairs.Count:N0} pairs"));
        }
    }

    private static async Task<(double Seconds, long PeakBytes)> TimeProcessAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!p.HasExited)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{p.Id}/status"))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        peak = Math.Max(peak, long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024);
                    }
                }
            }
            catch (IOException)
            {
            }

            await Task.Delay(5);
        }

        await p.WaitForExitAsync();
        var seconds = sw.Elapsed.TotalSeconds;
        await outTask;
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"runlens audit failed: {await errTask}");
        }

        return (seconds, peak);
    }

    private static void Generate(string root, int images)
    {
        Parallel.For(0, images, i =>
        {
            var rng = new Random(i);
            var dir = Path.Combine(root, $"class{i % 10}");
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, $"img{i:D6}.jpg");
            if (i % 50 == 49)
            {
                // an exact copy of the previous image of this class
                var source = Path.Combine(dir, $"img{i - 10:D6}.jpg");
                if (File.Exists(source))
                {
                    File.Copy(source, path, overwrite: true);
                    return;
                }
            }

            using var bitmap = new SKBitmap(256, 256);
            using (var canvas = new SKCanvas(bitmap))
            {
                using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(256, rng.Next(256)),
                    [new SKColor((uint)rng.Next() | 0xFF000000), new SKColor((uint)rng.Next() | 0xFF000000)], SKShaderTileMode.Clamp);
                using var fill = new SKPaint { Shader = shader };
                canvas.DrawRect(0, 0, 256, 256, fill);
                using var paint = new SKPaint { IsAntialias = true };
                for (var k = 0; k < 12; k++)
                {
                    paint.Color = new SKColor((uint)rng.Next() | 0xFF000000);
                    if (k % 2 == 0)
                    {
                        canvas.DrawCircle(rng.Next(256), rng.Next(256), rng.Next(8, 60), paint);
                    }
                    else
                    {
                        canvas.DrawRect(rng.Next(256), rng.Next(256), rng.Next(10, 90), rng.Next(10, 90), paint);
                    }
                }
            }

            var pixels = bitmap.GetPixelSpan().ToArray();
            for (var k = 0; k < pixels.Length; k += 4)
            {
                var noise = rng.Next(-12, 13);
                for (var c = 0; c < 3; c++)
                {
                    pixels[k + c] = (byte)Math.Clamp(pixels[k + c] + noise, 0, 255);
                }
            }

            System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
            using var image = SKImage.FromBitmap(bitmap);
            using var blurred = i % 50 == 24 ? image.ApplyImageFilter(SKImageFilter.CreateBlur(4, 4), new SKRectI(0, 0, 256, 256), new SKRectI(0, 0, 256, 256), out _, out SKPointI _) : null;
            using var data = (blurred ?? image).Encode(SKEncodedImageFormat.Jpeg, 90);
            File.WriteAllBytes(path, data.ToArray());
        });
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

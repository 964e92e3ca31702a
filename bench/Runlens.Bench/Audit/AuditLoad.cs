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
        Console.WriteLine(Inv($"a whole `runlens audit DIR --format json` process, every check, {Environment.ProcessorCount} cores (load average now {File.ReadAllText("/proc/loadavg").Split(' ')[0]}); peak RSS of the process (runtime included); CPU time of the process (user + system, start-up included), which other load on the machine does not inflate:"));
        foreach (var (dir, n) in new[] { (quarter, images / 4), (root, images), (quarter, images / 4), (root, images) })
        {
            var (seconds, peak, cpu) = await TimeProcessAsync("dotnet", cli, "audit", dir, "--format", "json", "--out", "/dev/null");
            Console.WriteLine(Inv($"  {n,6:N0} images: {seconds:F2} s = {n / seconds,5:F0} images/s, peak RSS {peak / 1e6:F0} MB; CPU {cpu:F2} s = {n / cpu:F0} images per CPU-second"));
        }

        Console.WriteLine("in this process (no start-up), every check:");
        for (var round = 0; round < 3; round++)
        {
            var sw = Stopwatch.StartNew();
            var result = await AuditRunner.RunAsync(root, new AuditOptions());
            Console.WriteLine(Inv($"  {images:N0} images: {sw.Elapsed.TotalSeconds:F2} s = {images / sw.Elapsed.TotalSeconds:F0} images/s ({result.Findings.Length} findings, {result.Summary.Flagged} flagged)"));
        }

        Stages(root, Math.Min(images, 1000));
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

    /// <summary>Single-threaded cost of each measuring stage per image (CPU-bound, so little affected by other load).</summary>
    private static void Stages(string root, int count)
    {
        var files = Directory.EnumerateFiles(root, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(count).ToList();
        var bytes = files.Select(File.ReadAllBytes).ToList();
        var t = new double[6];
        var sw = new Stopwatch();
        foreach (var b in bytes)
        {
            sw.Restart();
            _ = System.Security.Cryptography.SHA256.HashData(b);
            t[0] += sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            using var codec = SKCodec.Create(new SKMemoryStream(b));
            var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            var rgba = new byte[info.BytesSize];
            var pin = System.Runtime.InteropServices.GCHandle.Alloc(rgba, System.Runtime.InteropServices.GCHandleType.Pinned);
            codec.GetPixels(info, pin.AddrOfPinnedObject());
            pin.Free();
            t[1] += sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            var gray = new byte[info.Width * info.Height];
            Runlens.Audit.Measures.ImageProbe.ToGray(rgba, gray);
            t[2] += sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            _ = Runlens.Audit.Measures.ImageProbe.LaplacianVariance(gray, info.Width, info.Height);
            _ = Runlens.Audit.Measures.ImageProbe.MeanStd(gray);
            t[3] += sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            var cells = PerceptualHash.Downsample(gray, info.Width, info.Height);
            for (var r = 0; r < 4; r++)
            {
                _ = PerceptualHash.Hash(cells);
                cells = PerceptualHash.RotateClockwise(cells);
            }

            t[4] += sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            _ = Runlens.Audit.Measures.ImageProbe.Measure(b);
            t[5] += sw.Elapsed.TotalMilliseconds;
        }

        Console.WriteLine(Inv($"per image, one thread, mean of {count}: SHA-256 {t[0] / count:F3} ms, Skia JPEG decode {t[1] / count:F3} ms, grey {t[2] / count:F3} ms, Laplacian + mean/std {t[3] / count:F3} ms, perceptual hashes ×4 {t[4] / count:F3} ms; the whole image probe {t[5] / count:F3} ms"));
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

        foreach (var d in new[] { 6, 7 })
        {
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var index = new HammingIndex(hashes);
            var built = sw.Elapsed;
            var pairs = index.Pairs(d);
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            Console.WriteLine(Inv($"near-duplicate search, {count:N0} perceptual hashes, distance ≤ {d}: {sw.Elapsed.TotalSeconds:F2} s (index {built.TotalSeconds:F2} s; CPU {cpu:F2} s), {pairs.Count:N0} pairs"));
        }
    }

    private static async Task<(double Seconds, long PeakBytes, double CpuSeconds)> TimeProcessAsync(string file, params string[] args)
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
        double cpu = 0;
        while (!p.HasExited)
        {
            try
            {
                // utime + stime (fields 14 and 15, in clock ticks of 1/100 s)
                var stat = File.ReadAllText($"/proc/{p.Id}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
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

        return (seconds, peak, cpu);
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

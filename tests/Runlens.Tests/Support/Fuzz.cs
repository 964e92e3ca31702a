using Runlens.Import;

namespace Runlens.Tests.Support;

/// <summary>
/// Fuzz-style robustness check: feeds mutated copies of a real input (bit flips, byte overwrites, truncations, splices,
/// duplicated and deleted ranges) to an importer and accepts only a clean result or a <see cref="RunImportException"/>
/// naming the file. Anything else (another exception type, a hang) fails with the seed and mutation to reproduce it.
/// </summary>
internal static class Fuzz
{
    /// <param name="original">Bytes of the real file to mutate.</param>
    /// <param name="fileName">Name to write each mutated copy under (detection may depend on it).</param>
    /// <param name="import">Imports the mutated file at the given path (e.g. a folder made around it).</param>
    /// <param name="iterations">How many mutated copies.</param>
    /// <param name="seed">Random seed; failures print it.</param>
    /// <param name="prepare">Optional: lays out a folder around the mutated file and returns the path to import
    /// (for folder formats). Receives the temp folder and the mutated bytes.</param>
    public static async Task RunAsync(
        byte[] original,
        string fileName,
        Func<string, Task> import,
        int iterations = 2000,
        int seed = 12345,
        Func<string, byte[], string>? prepare = null,
        TimeSpan? perCaseTimeout = null)
    {
        var timeout = perCaseTimeout ?? TimeSpan.FromSeconds(10);
        var rng = new Random(seed);
        var root = Directory.CreateTempSubdirectory("runlens-fuzz-").FullName;
        try
        {
            for (var i = 0; i < iterations; i++)
            {
                var (bytes, what) = Mutate(original, rng);
                var caseDir = Path.Combine(root, (i % 4).ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (Directory.Exists(caseDir))
                {
                    Directory.Delete(caseDir, recursive: true);
                }

                Directory.CreateDirectory(caseDir);
                string target;
                if (prepare is null)
                {
                    target = Path.Combine(caseDir, fileName);
                    await File.WriteAllBytesAsync(target, bytes);
                }
                else
                {
                    target = prepare(caseDir, bytes);
                }

                try
                {
                    await import(target).WaitAsync(timeout);
                }
                catch (RunImportException ex)
                {
                    if (string.IsNullOrWhiteSpace(ex.File) || ex.File == "(unknown)" || string.IsNullOrWhiteSpace(ex.Cause))
                    {
                        throw new Xunit.Sdk.XunitException($"case {i} (seed {seed}, {what}): error does not name file and cause: {ex.Message}");
                    }
                }
                catch (TimeoutException)
                {
                    throw new Xunit.Sdk.XunitException($"case {i} (seed {seed}, {what}): no answer within {timeout.TotalSeconds} s (hang?)");
                }
                catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
                {
                    throw new Xunit.Sdk.XunitException($"case {i} (seed {seed}, {what}): unclean error {ex.GetType().Name}: {ex}");
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>One random mutation of <paramref name="data"/> and a description of it.</summary>
    public static (byte[] Bytes, string What) Mutate(byte[] data, Random rng)
    {
        if (data.Length == 0)
        {
            var junk = new byte[rng.Next(1, 64)];
            rng.NextBytes(junk);
            return (junk, "random bytes");
        }

        var kind = rng.Next(7);
        var b = (byte[])data.Clone();
        switch (kind)
        {
            case 0:
            {
                var flips = rng.Next(1, 9);
                for (var k = 0; k < flips; k++)
                {
                    var pos = rng.Next(b.Length);
                    b[pos] ^= (byte)(1 << rng.Next(8));
                }

                return (b, $"{flips} bit flips");
            }

            case 1:
            {
                var len = rng.Next(0, b.Length);
                return (b[..len], $"truncated to {len}");
            }

            case 2:
            {
                var pos = rng.Next(b.Length);
                var len = Math.Min(rng.Next(1, 17), b.Length - pos);
                byte[] fills = [0x00, 0xFF, 0x7F, 0x80, (byte)'"', (byte)'\n', (byte)',', (byte)'9', (byte)'-'];
                var fill = fills[rng.Next(fills.Length)];
                for (var k = 0; k < len; k++)
                {
                    b[pos + k] = fill;
                }

                return (b, $"{len} bytes at {pos} set to 0x{fill:X2}");
            }

            case 3:
            {
                // splice: a range from elsewhere in the file inserted at a random position
                var src = rng.Next(b.Length);
                var len = Math.Min(rng.Next(1, 256), b.Length - src);
                var dst = rng.Next(b.Length + 1);
                var result = new byte[b.Length + len];
                Array.Copy(b, 0, result, 0, dst);
                Array.Copy(b, src, result, dst, len);
                Array.Copy(b, dst, result, dst + len, b.Length - dst);
                return (result, $"spliced {len} bytes from {src} at {dst}");
            }

            case 4:
            {
                var pos = rng.Next(b.Length);
                var len = Math.Min(rng.Next(1, 256), b.Length - pos);
                var result = new byte[b.Length - len];
                Array.Copy(b, 0, result, 0, pos);
                Array.Copy(b, pos + len, result, pos, b.Length - pos - len);
                return (result, $"deleted {len} bytes at {pos}");
            }

            case 5:
            {
                var pos = rng.Next(b.Length);
                var len = Math.Min(rng.Next(1, 64), b.Length - pos);
                var junk = new byte[len];
                rng.NextBytes(junk);
                Array.Copy(junk, 0, b, pos, len);
                return (b, $"{len} random bytes at {pos}");
            }

            default:
            {
                // huge or odd numbers written over a digit run
                string[] values = ["1e308", "-1e308", "NaN", "Infinity", "-Infinity", "99999999999999999999", "-0", "1e-320", "nan", "inf"];
                var v = System.Text.Encoding.ASCII.GetBytes(values[rng.Next(values.Length)]);
                var pos = rng.Next(b.Length);
                var len = Math.Min(v.Length, b.Length - pos);
                Array.Copy(v, 0, b, pos, len);
                return (b, $"number text '{System.Text.Encoding.ASCII.GetString(v)}' at {pos}");
            }
        }
    }
}

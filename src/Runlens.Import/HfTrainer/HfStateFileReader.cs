using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.HfTrainer;

/// <summary>
/// Reads a <c>trainer_state.json</c> from disk. A small file, and any file the fast way cannot take, is read whole by
/// <see cref="HfTrainerStateReader"/> (one forward pass; its damage reports are the contract). A large one is read without
/// holding the file: the start of <c>log_history</c> is found in the first bytes, the array is cut at entry boundaries
/// (a guess per part, checked when the parts join) and the parts are read on every core through pooled buffers (see
/// <see cref="HfLogChunk"/>), then the rest of the document (everything but the array) is read by
/// <see cref="HfTrainerStateReader"/>. The result is the one-pass reader's, field for field; when a part meets anything
/// unusual, or a guessed boundary proves wrong, the file is read the one-pass way instead.
/// </summary>
internal static class HfStateFileReader
{
    /// <summary>Files smaller than this are read whole.</summary>
    public const long ParallelFromBytes = 1 << 20;

    private const int MaxHeadBytes = 16 << 20;

    /// <summary>Files smaller than this are read synchronously (see <see cref="ReadAllAsync"/>).</summary>
    public const long ReadOnThreadBelowBytes = 1 << 20;

    public static async Task<HfTrainerStateFile> ReadAsync(string file, CancellationToken cancellationToken, HfReadOptions? options = null)
    {
        options ??= HfReadOptions.Default;
        long length;
        try
        {
            length = new FileInfo(file).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            length = 0; // the whole-file read names the problem
        }

        if (length >= options.ParallelFromBytes && TryReadParallel(file, length, options, cancellationToken) is { } fast)
        {
            return fast;
        }

        var bytes = await ReadAllAsync(file, cancellationToken).ConfigureAwait(false);
        return HfTrainerStateReader.Read(bytes, file, cancellationToken);
    }

    public static async Task<byte[]> ReadAllAsync(string file, CancellationToken ct)
    {
        try
        {
            // A small file is read on this thread: an asynchronous read would hand the rest of the command to a pool thread
            // (started for it) and make every awaiting method box its state, all JIT-compiled at start-up, for a read that
            // takes microseconds.
            return new FileInfo(file) is { Exists: true, Length: < ReadOnThreadBelowBytes }
                ? File.ReadAllBytes(file)
                : await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new RunImportException(file, null, "could not be read: " + ex.Message, "check that the file is readable and under 2 GB", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new RunImportException(file, null, "access denied", "check the file's permissions", ex);
        }
    }

    private static HfTrainerStateFile? TryReadParallel(string file, long length, HfReadOptions options, CancellationToken ct)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        using (handle)
        {
            if (FindLogHistory(handle, length) is not { } open)
            {
                return null;
            }

            var first = open + 1;
            var parts = Math.Max(1, Math.Min(options.Parts, (int)((length - first) / options.MinPartBytes)));
            var starts = new List<long> { first };
            for (var i = 1; i < parts; i++)
            {
                if (GuessEntryStart(handle, length, first + ((length - first) * i / parts)) is { } g && g > starts[^1])
                {
                    starts.Add(g);
                }
            }

            var chunks = Read(handle, length, starts, options, ct);
            if (chunks is null && starts.Count > 1)
            {
                chunks = Read(handle, length, [first], options, ct); // a guess was wrong: one part, still streamed
            }

            if (chunks is null)
            {
                return null;
            }

            var arrayEnd = chunks[^1].ArrayEnd;
            var rest = new byte[open + 2 + (length - arrayEnd)];
            if (!ReadExactly(handle, rest.AsSpan(0, (int)open), 0) || !ReadExactly(handle, rest.AsSpan((int)open + 2), arrayEnd))
            {
                return null;
            }

            rest[open] = (byte)'[';
            rest[open + 1] = (byte)']';
            HfTrainerStateFile state;
            try
            {
                state = HfTrainerStateReader.Read(rest, file, ct);
            }
            catch (RunImportException)
            {
                return null;
            }

            if (state.Events.Count > 0 || state.LogEntries > 0)
            {
                return null; // damage, or a second log_history: the one-pass reader says it as it always has
            }

            Join(state, chunks);
            state.Parts = chunks.Count;

            // The parts' arrays (as large as the series themselves) are garbage now, on the large-object heap that only a
            // full collection frees: freeing them here lets what comes next (the analysis) reuse that memory instead of
            // growing the process by as much again. The live heap is a few arrays without references, so this is quick.
            chunks.Clear();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
            return state;
        }
    }

    /// <summary>Reads the parts on every core; null unless they join into one array that closes.</summary>
    private static List<HfLogChunk>? Read(SafeFileHandle handle, long length, List<long> starts, HfReadOptions options, CancellationToken ct)
    {
        var chunks = new HfLogChunk[starts.Count];
        for (var i = 0; i < chunks.Length; i++)
        {
            chunks[i] = new HfLogChunk(handle, length, starts[i], i + 1 < starts.Count ? starts[i + 1] : long.MaxValue, options.BufferBytes);
        }

        Parallel.ForEach(chunks, new ParallelOptions { MaxDegreeOfParallelism = options.Parts, CancellationToken = ct }, c => c.Read(ct));
        var joined = new List<HfLogChunk>();
        foreach (var chunk in chunks)
        {
            joined.Add(chunk);
            switch (chunk.Outcome)
            {
                case HfChunkOutcome.Joined:
                    continue;
                case HfChunkOutcome.Ended:
                    return joined; // parts guessed past the array's end are not part of it
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>Joins the parts in order: each name's points become one exact array (the step of entries without one
    /// carried across parts), the summary entries are applied in order.</summary>
    private static void Join(HfTrainerStateFile state, List<HfLogChunk> chunks)
    {
        var carried = new long[chunks.Count];
        var order = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long lastStep = 0;
        for (var c = 0; c < chunks.Count; c++)
        {
            var chunk = chunks[c];
            carried[c] = lastStep;
            order.AddRange(chunk.Order.Where(seen.Add));
            foreach (var summary in chunk.Summaries)
            {
                state.HasSummaryEntry = true;
                foreach (var (name, value) in summary)
                {
                    state.Summary[name] = value;
                }
            }

            state.LogEntries += chunk.Entries;
            if (chunk.SawStep)
            {
                lastStep = chunk.LastStep;
            }
        }

        // Each name's copy on its own core (the three largest series are most of the bytes), then added in order.
        var joined = new SeriesPoint[order.Count][];
        Parallel.For(0, order.Count, k => joined[k] = Concatenate(chunks, order[k], carried));
        for (var k = 0; k < order.Count; k++)
        {
            state.Series.AddOwned(order[k], joined[k]);
        }
    }

    private static SeriesPoint[] Concatenate(List<HfLogChunk> chunks, string name, long[] carried)
    {
        var total = 0;
        foreach (var chunk in chunks)
        {
            total += chunk.Points.TryGetValue(name, out var p) ? p.Count : 0;
        }

        var points = GC.AllocateUninitializedArray<SeriesPoint>(total);
        var at = 0;
        for (var c = 0; c < chunks.Count; c++)
        {
            if (chunks[c].Points.TryGetValue(name, out var part))
            {
                var n = part.Count;
                part.MoveTo(points.AsSpan(at, n), carried[c]);
                at += n;
            }
        }

        return points;
    }

    /// <summary>The file offset of the <c>[</c> that opens the top-level <c>log_history</c>, read from the first bytes
    /// (growing up to 16 MiB); null when the document does not start that way.</summary>
    private static long? FindLogHistory(SafeFileHandle handle, long length)
    {
        for (var size = (int)Math.Min(length, 64 << 10); ; size = (int)Math.Min(length, (long)size * 4))
        {
            var head = new byte[size];
            if (!ReadExactly(handle, head, 0))
            {
                return null;
            }

            var bom = PythonJson.BomLength(head);
            var final = size == length;
            _ = PythonJson.RewriteNonFiniteLiterals(head.AsSpan(bom)); // offsets stay true; only the tokens matter here
            var found = Find(head.AsSpan(bom), final, out var needMore);
            if (found is { } at)
            {
                return bom + at;
            }

            if (!needMore || final || size >= MaxHeadBytes)
            {
                return null;
            }
        }
    }

    private static long? Find(ReadOnlySpan<byte> json, bool final, out bool needMore)
    {
        needMore = false;
        var reader = new Utf8JsonReader(json, final, new JsonReaderState(PythonJson.ReaderOptions));
        try
        {
            if (!reader.Read())
            {
                needMore = true;
                return null;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (true)
            {
                if (!reader.Read())
                {
                    needMore = true;
                    return null;
                }

                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    return null;
                }

                var isLog = reader.ValueTextEquals("log_history"u8);
                if (!reader.Read())
                {
                    needMore = true;
                    return null;
                }

                if (isLog)
                {
                    return reader.TokenType == JsonTokenType.StartArray ? reader.TokenStartIndex : null;
                }

                if (!reader.TrySkip())
                {
                    needMore = true;
                    return null;
                }
            }
        }
        catch (JsonException)
        {
            needMore = !final; // possibly a literal cut by the head's end
            return null;
        }
    }

    /// <summary>The first entry start after <paramref name="from"/>: an opening brace after <c>},</c> and white space, as
    /// <c>json.dump</c> separates the entries. Only a guess (the bytes could sit inside a string): the parts check it.</summary>
    private static long? GuessEntryStart(SafeFileHandle handle, long length, long from)
    {
        var window = new byte[(int)Math.Min(1 << 20, length - from)];
        if (window.Length == 0 || !ReadExactly(handle, window, from))
        {
            return null;
        }

        var span = window.AsSpan();
        var i = 0;
        while (true)
        {
            var rel = span[i..].IndexOf("},"u8);
            if (rel < 0)
            {
                return null;
            }

            var j = i + rel + 2;
            while (j < span.Length && span[j] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
            {
                j++;
            }

            if (j < span.Length && span[j] == (byte)'{')
            {
                return from + j;
            }

            i += rel + 2;
        }
    }

    private static bool ReadExactly(SafeFileHandle handle, Span<byte> into, long offset)
    {
        while (into.Length > 0)
        {
            var n = RandomAccess.Read(handle, into, offset);
            if (n <= 0)
            {
                return false;
            }

            into = into[n..];
            offset += n;
        }

        return true;
    }
}

using System.Text.Json;

namespace Runlens.Agent.Registry;

/// <summary>
/// Reads and writes <c>registry.json</c>. A write takes an exclusive lock on <c>registry.json.lock</c> (released by the
/// system when the process dies, so a killed agent never leaves it held), writes the whole document to a temporary file
/// in the same folder, flushes it to disk and renames it over <c>registry.json</c>: a reader, or an agent killed at any
/// point (even with <c>kill -9</c>), sees the old document or the new one, never a part of one.
/// </summary>
public static class RegistryFile
{
    public const string FileName = "registry.json";

    /// <exception cref="AgentInputException">The file is missing or not a registry: where and what to do.</exception>
    public static AgentRegistry Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AgentInputException($"{path}: cannot read the registry: {ex.Message}; give a project folder that `runlens agent` created");
        }

        AgentRegistry? registry;
        try
        {
            registry = JsonSerializer.Deserialize(bytes, AgentJson.Indented.AgentRegistry);
        }
        catch (JsonException ex)
        {
            throw new AgentInputException($"{path}: not a registry of `runlens agent` ({ex.Message}); restore it from a copy or start the goal again");
        }

        if (registry is null || registry.Schema != AgentRegistry.SchemaName)
        {
            throw new AgentInputException($"{path}: not a registry of `runlens agent` (schema {(registry?.Schema ?? "missing")}, expected {AgentRegistry.SchemaName}); give a project folder that `runlens agent` created");
        }

        return registry;
    }

    /// <summary>Replaces the registry atomically under the lock.</summary>
    public static async Task WriteAsync(string path, AgentRegistry registry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(registry);
        var full = Path.GetFullPath(path);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(registry, AgentJson.Indented.AgentRegistry);
        await using var gate = await LockAsync(full + ".lock", cancellationToken).ConfigureAwait(false);
        var temp = $"{full}.tmp-{Environment.ProcessId}";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, full, overwrite: true);
        foreach (var stale in Directory.EnumerateFiles(Path.GetDirectoryName(full)!, Path.GetFileName(full) + ".tmp-*"))
        {
            TryDelete(stale); // left by an agent killed between writing and renaming
        }
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new IOException($"{path}: another agent holds the registry's lock ({ex.Message}); run one agent per project folder", ex);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}

using CsvHelper;
using CsvHelper.Configuration;
using System.Globalization;

namespace Runlens.Audit.Inputs;

/// <summary>A CSV that maps file names to labels: a file column (<c>file_name</c>, <c>filename</c>, <c>file</c>,
/// <c>path</c>, <c>image</c>, <c>audio</c>) and a label column (<c>label</c>, <c>class</c>, <c>category</c>,
/// <c>target</c>). Keys are the path as written ('/'-separated) and the bare file name.</summary>
internal static class LabelsFile
{
    private static readonly string[] FileColumns = ["file_name", "filename", "file", "path", "image", "image_path", "audio", "fname", "name"];
    private static readonly string[] LabelColumns = ["label", "labels", "class", "category", "target", "y"];

    /// <summary>Reads the file; anything wrong with it is an <see cref="AuditInputException"/>.</summary>
    public static Dictionary<string, string> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new AuditInputException(path, "no such labels file", "give --labels FILE with a CSV of file and label columns");
        }

        return Parse(path, out var error) ?? throw new AuditInputException(path, error!, "give a CSV with a header naming a file column (file_name, file, path) and a label column (label, class)");
    }

    /// <summary>Reads the file, or null when it is not a labels file.</summary>
    public static Dictionary<string, string>? TryRead(string path) => Parse(path, out _);

    private static Dictionary<string, string>? Parse(string path, out string? error)
    {
        error = null;
        try
        {
            using var reader = new StreamReader(path);
            using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, MissingFieldFound = null });
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } header)
            {
                error = "empty, no header row";
                return null;
            }

            var fileCol = Array.FindIndex(header, h => FileColumns.Contains(h.Trim().ToLowerInvariant()));
            var labelCol = Array.FindIndex(header, h => LabelColumns.Contains(h.Trim().ToLowerInvariant()));
            if (fileCol < 0 || labelCol < 0)
            {
                error = $"the header ({string.Join(", ", header)}) names no {(fileCol < 0 ? "file" : "label")} column";
                return null;
            }

            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            while (csv.Read())
            {
                var file = csv.GetField(fileCol)?.Trim().Replace('\\', '/');
                var label = csv.GetField(labelCol)?.Trim();
                if (string.IsNullOrEmpty(file) || label is null)
                {
                    continue;
                }

                map[file] = label;
                map.TryAdd(Path.GetFileName(file), label);
            }

            return map;
        }
        catch (Exception ex) when (ex is CsvHelperException or IOException or UnauthorizedAccessException)
        {
            error = $"cannot be read as CSV ({ex.Message.Split('\n')[0]})";
            return null;
        }
    }
}

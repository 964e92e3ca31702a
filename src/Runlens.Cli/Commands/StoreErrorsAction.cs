using System.CommandLine;
using System.CommandLine.Invocation;
using Runlens.Storage;

namespace Runlens.Cli.Commands;

/// <summary>Runs a command's action; a store that cannot be opened (a folder, not a database, unreadable, missing for a
/// command that only reads) ends it with the store's one-line message on stderr and exit code 2, not a stack trace.</summary>
internal sealed class StoreErrorsAction(AsynchronousCommandLineAction inner) : AsynchronousCommandLineAction
{
    /// <summary>Wraps the action of every command under <paramref name="root"/>.</summary>
    public static void Guard(Command root)
    {
        foreach (var command in root.Subcommands)
        {
            if (command.Action is AsynchronousCommandLineAction action)
            {
                command.Action = new StoreErrorsAction(action);
            }

            Guard(command);
        }
    }

    public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.InvokeAsync(parseResult, cancellationToken);
        }
        catch (Exception ex) when (IsStoreUnavailable(ex))
        {
            await Console.Error.WriteLineAsync("runlens: " + ex.Message);
            return ExitCodes.BadInput;
        }
    }

    /// <summary>The store's exception type is named only here, in a method of its own that runs when something was thrown:
    /// a command that never opens a store does not load the storage assembly at start-up.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool IsStoreUnavailable(Exception ex) => ex is StoreUnavailableException;
}

# Bash completion for backline-analyse, backline-synth and backline-capture.
# It asks the tool itself: the commands from the "commands:" paragraph of
# `TOOL --help`, the options from `TOOL [COMMAND] --help`, so it completes
# what the installed program accepts and cannot drift from it. File names
# otherwise. Needs bash only (not the bash-completion package).

# _backline_commands TOOL: the words of the "commands:" paragraph.
_backline_commands()
{
    "$1" --help 2>/dev/null | awk '/^commands:/ { on = 1; next }
                                   on && /^[^ ]/ { on = 0 }
                                   on && /^  [a-z]/ { print $1 }'
}

# _backline_options TOOL [COMMAND]: the options the help's usage and
# option lines give ("[--map MAP]", "  -o OUT  ..."; not options named in
# prose), --help and --version.
_backline_options()
{
    { "$@" --help 2>/dev/null | grep -oE -- '(^ +|[[(|] ?)--?[a-zA-Z][a-zA-Z0-9-]*' | sed -E 's/^[][ (|]+//'
      echo --help; echo --version; } | sort -u
}

_backline()
{
    local tool=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} cmd="" cmds i
    cmds=$(_backline_commands "$tool")
    if [ -n "$cmds" ]; then
        # The command is the first word after the tool that is not an option.
        for ((i = 1; i < COMP_CWORD; i++)); do
            case ${COMP_WORDS[i]} in
                -*) ;;
                *) cmd=${COMP_WORDS[i]}; break ;;
            esac
        done
        if [ -z "$cmd" ] && [[ $cur != -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$cmds" -- "$cur")
            return
        fi
    fi
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_backline_options "$tool" $cmd)" -- "$cur")
        return
    fi
    # After "--opt=" bash hands "=" as the word: complete the file after it.
    [ "$cur" = "=" ] && cur=""
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

complete -o filenames -o bashdefault -F _backline backline-analyse backline-synth backline-capture

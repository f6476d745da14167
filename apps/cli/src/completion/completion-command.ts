import { type Command, InvalidArgumentError } from 'commander';
import type { CommandContext } from '../command-context';

const SHELLS = ['bash', 'zsh'];

/** `coming completion bash|zsh`: a completion script made from the command tree, so it never lags behind it. */
export function addCompletionCommand(program: Command, { io }: CommandContext): void {
  program
    .command('completion')
    .description('print a shell completion script: eval "$(coming completion bash)", or zsh')
    .argument('<shell>', SHELLS.join(' or '), (shell: string) => {
      if (!SHELLS.includes(shell)) throw new InvalidArgumentError(`one of ${SHELLS.join(', ')}`);
      return shell;
    })
    .action((shell: string) => {
      io.stdout.write(completionScript(program, shell === 'zsh'));
    });
}

function completionScript(program: Command, zsh: boolean): string {
  const cases: string[] = [];
  const valued = new Set<string>();
  const visit = (command: Command, path: string) => {
    const words = [...command.commands.map((sub) => sub.name()), ...command.options.map((option) => option.long ?? ''), '--help'];
    for (const option of command.options) if (option.required || option.optional) valued.add(option.long ?? '');
    cases.push(`    "${path}") echo "${words.filter((word) => word !== '').join(' ')}" ;;`);
    for (const sub of command.commands) visit(sub, path === '' ? sub.name() : `${path} ${sub.name()}`);
  };
  visit(program, '');
  return `${zsh ? 'autoload -U +X bashcompinit && bashcompinit\n' : ''}# ${program.name()} completion
_${program.name()}_words() {
  case "$1" in
${cases.join('\n')}
  esac
}
_${program.name()}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" i word
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      ${[...valued].sort().join('|')}) i=$((i + 1)) ;;
      -*) ;;
      *) [[ " $(_${program.name()}_words "$path") " == *" $word "* ]] && path="\${path:+$path }$word" ;;
    esac
  done
  COMPREPLY=($(compgen -W "$(_${program.name()}_words "$path")" -- "$cur"))
}
complete -F _${program.name()} ${program.name()}
`;
}

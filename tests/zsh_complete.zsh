#!/bin/zsh -f
# zsh_complete.zsh DIR LINE: start an interactive zsh on a zsh/zpty
# pseudo-terminal with DIR first in $fpath and compinit run, type LINE
# and a TAB, and print each completion zsh offered, one per line.
zmodload zsh/zpty || { print -u2 'no zsh/zpty'; exit 77 }
dir=$1 line=$2
zpty z zsh -f -i
zpty -w z "fpath=(${(q)dir} \$fpath); PROMPT=''; RPROMPT=''; unsetopt beep"
zpty -w z "autoload -Uz compinit; compinit -u -d ${(q)dir}/.zcompdump"
zpty -w z 'bindkey "^I" complete-word'
# Every compadd that adds matches prints them; after the completion the
# shell prints a marker and ends.
zpty -w z 'compadd() { if [[ ${@[(I)-[OAD]*]} -gt 0 ]]; then builtin compadd "$@"; return; fi; local -a __hits; builtin compadd -A __hits "$@"; local h; for h in $__hits; do print -r -- "<""<$h>"">"; done; builtin compadd "$@" }'
zpty -w z '_zc_end() { print -r -- "@@""END@@"; exit }; comppostfuncs=( _zc_end )'
zpty -w -n z "$line"$'\t'
# Read until the marker, for at most 20 s (the suite runs on a busy
# machine); each try that finds nothing waits 5 ms.
out= tries=0
while (( tries < 4000 )); do
	if zpty -r -t z chunk 2>/dev/null; then
		out+=$chunk
		[[ $out == *@@END@@* ]] && break
	else
		(( tries++ ))
		sleep 0.005
	fi
done
zpty -d z
if [[ $out != *@@END@@* ]]; then
	print -u2 "zsh_complete: no completion ended within 20 s"
	exit 3
fi
[[ -n $DEBUG ]] && print -r -- "$out" >&2
out=${out//$'\r'/}
print -r -- "${out%%@@END@@*}" | grep -o '<<[^>]*>>' | sed 's/^<<//; s/>>$//' | sort -u

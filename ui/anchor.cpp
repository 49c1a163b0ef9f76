int lightning_ui_anchor = 0;
